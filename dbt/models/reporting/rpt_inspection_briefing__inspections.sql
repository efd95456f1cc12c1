{#- Monthly inspection briefing: Ofsted reports published in the calendar month before the date of the Ofsted
    data, for the LA's maintained schools and academies, with the outcome and movement since the previous
    inspection (which may belong to a predecessor school). -#}
with

ofsted_date as (

    select max(ofsted_as_at_date) as ofsted_as_at_date
    from {{ ref('stg_ofsted__inspections') }}

),

briefing_month as (

    select
        cast(date_trunc('month', ofsted_as_at_date) - interval 1 month as date) as month_start,
        cast(date_trunc('month', ofsted_as_at_date) - interval 1 day as date) as month_end,
        ofsted_as_at_date
    from ofsted_date

),

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and governance in ('maintained', 'academy')

),

history as (

    select * from {{ ref('int_school_inspection_history') }}
    where generations_back = 0

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

-- The regime and the non-graded outcomes (ungraded inspections from September 2024, report cards from
-- November 2025), one row per inspection (the same inspection can appear in several Ofsted files).
regimes as (

    select
        inspection_number,
        inspection_regime,
        ungraded_outcome,
        safeguarding_standards
    from {{ ref('stg_ofsted__inspections') }}
    qualify row_number() over (partition by inspection_number order by ofsted_as_at_date desc) = 1

),

final as (

    select
        briefing_month.month_start,
        briefing_month.month_end,
        briefing_month.ofsted_as_at_date,
        history.urn,
        schools.school_name,
        schools.phase,
        schools.governance,
        history.inspection_number,
        history.inspection_type,
        history.inspection_start_date,
        history.publication_date,
        history.overall_effectiveness_grade,
        coalesce(regimes.inspection_regime, 'graded') as inspection_regime,
        case
            when current_grade.grade_label is not null then current_grade.grade_label
            when regimes.inspection_regime = 'report_card'
                then 'Report card (no overall grade); safeguarding ' || coalesce(regimes.safeguarding_standards, 'not stated')
            when regimes.ungraded_outcome is not null then 'Not graded: ' || regimes.ungraded_outcome
            else 'Not graded'
        end as overall_effectiveness_label,
        case history.category_of_concern
            when 'SM' then 'Special measures'
            when 'SWK' then 'Serious weaknesses'
            else 'None'
        end as category_of_concern_label,
        history.previous_effectiveness_grade,
        coalesce(previous_grade.grade_label, 'None') as previous_effectiveness_label,
        case
            when history.overall_effectiveness_grade is null then 'not graded'
            when history.previous_effectiveness_grade is null then 'first inspection'
            -- Grade 1 is the best, so a lower number is an improvement.
            when history.overall_effectiveness_grade < history.previous_effectiveness_grade then 'improved'
            when history.overall_effectiveness_grade > history.previous_effectiveness_grade then 'declined'
            else 'unchanged'
        end as movement
    from history
    cross join briefing_month
    inner join schools
        on schools.urn = history.urn
    left join grades as current_grade
        on current_grade.overall_effectiveness_grade = history.overall_effectiveness_grade
    left join grades as previous_grade
        on previous_grade.overall_effectiveness_grade = history.previous_effectiveness_grade
    left join regimes
        on regimes.inspection_number = history.inspection_number
    where history.publication_date between briefing_month.month_start and briefing_month.month_end

)

select * from final
