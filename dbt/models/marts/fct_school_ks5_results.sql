{#- 16 to 18 results per school, year and exam cohort: all students' points per entry and value added, the
    disadvantaged students' points per entry, and the LA's and England's figures. The disadvantaged gap is measured
    against England's students who are not disadvantaged, as DfE's own gap measures are. -#}
with

results as (

    select * from {{ ref('stg_ks5__school_results') }}
    where exam_cohort <> 'E/M measures'

),

areas as (

    select * from {{ ref('stg_ks5__area_results') }}

),

register as (

    select * from {{ ref('dim_school') }}

),

totals as (

    select * from results where disadvantage_status = 'Total'

),

disadvantaged as (

    select * from results where disadvantage_status = 'Disadvantaged'

),

final as (

    select
        totals.urn,
        register.school_name,
        coalesce(register.is_la_school, false) as is_la_school,
        totals.la_code,
        totals.academic_year,
        totals.exam_cohort,
        totals.students,
        totals.points_per_entry,
        totals.points_per_entry_reason,
        totals.points_per_entry_grade,
        totals.points_per_entry - lag(totals.points_per_entry) over (
            partition by totals.urn, totals.exam_cohort order by totals.academic_year
        ) as points_per_entry_change,
        totals.value_added,
        totals.value_added_reason,
        totals.value_added_lower_ci,
        totals.value_added_upper_ci,
        totals.value_added_upper_ci < 0 as is_value_added_significantly_below,
        totals.progress_banding,
        totals.retained_percent,
        totals.retained_percent_reason,
        disadvantaged.students as disadvantaged_students,
        disadvantaged.points_per_entry as disadvantaged_points_per_entry,
        disadvantaged.points_per_entry_reason as disadvantaged_points_per_entry_reason,
        la.points_per_entry as la_points_per_entry,
        national.points_per_entry as national_points_per_entry,
        national.points_per_entry_grade as national_points_per_entry_grade,
        national_other.points_per_entry as national_other_points_per_entry,
        disadvantaged.points_per_entry - national_other.points_per_entry as disadvantaged_gap_to_national_other
    from totals
    left join disadvantaged
        on disadvantaged.urn = totals.urn
        and disadvantaged.academic_year = totals.academic_year
        and disadvantaged.exam_cohort = totals.exam_cohort
    left join register
        on register.urn = totals.urn
    left join areas as la
        on la.geography_level = 'local_authority'
        and la.la_code = totals.la_code
        and la.academic_year = totals.academic_year
        and la.exam_cohort = totals.exam_cohort
        and la.disadvantage_status = 'Total'
    left join areas as national
        on national.geography_level = 'national'
        and national.academic_year = totals.academic_year
        and national.exam_cohort = totals.exam_cohort
        and national.disadvantage_status = 'Total'
    left join areas as national_other
        on national_other.geography_level = 'national'
        and national_other.academic_year = totals.academic_year
        and national_other.exam_cohort = totals.exam_cohort
        and national_other.disadvantage_status = 'Not disadvantaged'

)

select * from final
