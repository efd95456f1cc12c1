with

schools as (

    select * from {{ ref('dim_school') }}

),

latest as (

    select * from {{ ref('int_latest_ofsted_inspection') }}

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

snapshot as (

    select max(ofsted_as_at_date) as ofsted_as_at_date from inspections

),

final as (

    select
        schools.urn,
        latest.urn is not null as has_been_inspected,
        latest.inspected_urn,
        coalesce(latest.is_inherited_from_predecessor, false) as is_inherited_from_predecessor,
        latest.inspection_number,
        latest.inspection_type,
        latest.inspection_start_date,
        latest.publication_date,
        latest.overall_effectiveness_grade,
        current_grade.grade_label as overall_effectiveness_label,
        latest.category_of_concern,
        current_grade.is_good_or_better,
        -- The Ofsted outcome state the categorisation rules match on.
        case
            when latest.urn is null then 'not_inspected'
            -- RSI: a report card's 'requires significant improvement', the report-card regime's category of concern.
            when latest.category_of_concern in ('SM', 'SWK', 'RSI') or latest.overall_effectiveness_grade = 4 then 'sm_swk'
            when latest.overall_effectiveness_grade = 3 then 'requires_improvement'
            when latest.overall_effectiveness_grade = 2 then 'good'
            when latest.overall_effectiveness_grade = 1 then 'outstanding'
            else 'no_grade'
        end as ofsted_outcome_state,
        latest.previous_effectiveness_grade,
        previous_grade.grade_label as previous_effectiveness_label,
        coalesce(latest.chain_inspection_count, 0) as chain_inspection_count,
        snapshot.ofsted_as_at_date
    from schools
    cross join snapshot
    left join latest
        on latest.urn = schools.urn
    left join grades as current_grade
        on current_grade.overall_effectiveness_grade = latest.overall_effectiveness_grade
    left join grades as previous_grade
        on previous_grade.overall_effectiveness_grade = latest.previous_effectiveness_grade

)

select * from final
