{#- Committee 16 to 18 results: the LA's average points per entry by exam cohort against England's (DfE's national
    file) for each published year, with how many of the LA's school sixth forms have value added published and how
    many of those are significantly below average (counted, never named: the committee report is published). -#}
with

areas as (

    select * from {{ ref('stg_ks5__area_results') }}
    where disadvantage_status = 'Total'
        and exam_cohort <> 'E/M measures'

),

la_schools as (

    select * from {{ ref('fct_school_ks5_results') }}
    where is_la_school

),

school_counts as (

    select
        academic_year,
        exam_cohort,
        count(*) filter (where value_added is not null) as schools_with_value_added,
        count(*) filter (where is_value_added_significantly_below) as schools_significantly_below
    from la_schools
    group by academic_year, exam_cohort

),

final as (

    select
        la.academic_year,
        la.exam_cohort,
        la.points_per_entry as la_points_per_entry,
        la.points_per_entry_grade as la_points_per_entry_grade,
        la.students as la_students,
        national.points_per_entry as national_points_per_entry,
        national.points_per_entry_grade as national_points_per_entry_grade,
        cast(coalesce(school_counts.schools_with_value_added, 0) as integer) as schools_with_value_added,
        cast(coalesce(school_counts.schools_significantly_below, 0) as integer) as schools_significantly_below,
        case la.exam_cohort
            when 'A level' then 1
            when 'Academic' then 2
            when 'Applied general' then 3
            when 'Tech level' then 4
            when 'Technical certificate' then 5
            else 6
        end as cohort_order
    from areas as la
    left join areas as national
        on national.geography_level = 'national'
        and national.academic_year = la.academic_year
        and national.exam_cohort = la.exam_cohort
    left join school_counts
        on school_counts.academic_year = la.academic_year
        and school_counts.exam_cohort = la.exam_cohort
    where la.geography_level = 'local_authority'
        and la.la_code = {{ var('la_code') }}

)

select * from final
