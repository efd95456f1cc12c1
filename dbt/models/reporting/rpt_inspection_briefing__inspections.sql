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

-- One regime-aware outcome and movement per inspection, shared with the committee report and the booklets.
history as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}
    where generations_back = 0

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
        history.inspection_regime,
        history.outcome_label as overall_effectiveness_label,
        history.category_of_concern_label,
        history.previous_outcome_label as previous_effectiveness_label,
        history.movement
    from history
    cross join briefing_month
    inner join schools
        on schools.urn = history.urn
    where history.publication_date between briefing_month.month_start and briefing_month.month_end

)

select * from final
