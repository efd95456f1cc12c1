{#- Monthly inspection briefing: every Ofsted report published for the LA's maintained schools and academies,
    with its publication month, outcome and movement since the previous inspection (which may belong to a
    predecessor school). The briefing for a month (a Dagster partition) shows that month's rows. -#}
with

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
        cast(date_trunc('month', history.publication_date) as date) as publication_month,
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
    inner join schools
        on schools.urn = history.urn
    where history.publication_date is not null

)

select * from final
