{#- Booklet 16 to 18 results: each booklet school's results by exam cohort for every published year, beside the
    LA's and England's. Student counts travel with the figures so the booklet can hold back a figure about too few
    students (disclosure control). -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

results as (

    select * from {{ ref('fct_school_ks5_results') }}

),

final as (

    select
        results.urn,
        results.academic_year,
        results.exam_cohort,
        results.students,
        results.points_per_entry,
        results.points_per_entry_reason,
        results.points_per_entry_grade,
        results.points_per_entry_change,
        results.value_added,
        results.value_added_reason,
        results.value_added_lower_ci,
        results.value_added_upper_ci,
        results.is_value_added_significantly_below,
        results.progress_banding,
        results.retained_percent,
        results.disadvantaged_students,
        results.disadvantaged_points_per_entry,
        results.disadvantaged_points_per_entry_reason,
        results.la_points_per_entry,
        results.national_points_per_entry,
        results.national_points_per_entry_grade,
        results.national_other_points_per_entry,
        results.disadvantaged_gap_to_national_other
    from results
    inner join schools
        on schools.urn = results.urn

)

select * from final
