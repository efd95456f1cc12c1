{#- Booklet inspection history: each booklet school's Ofsted inspections, its predecessors' included. -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

-- One regime-aware outcome and movement per inspection, shared with the committee report and the briefing.
history as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}

),

final as (

    select
        history.urn,
        history.inspected_urn,
        history.is_inherited_from_predecessor,
        history.inspection_number,
        history.inspection_type,
        history.inspection_start_date,
        history.publication_date,
        history.overall_effectiveness_grade,
        history.inspection_regime,
        history.outcome_label as overall_effectiveness_label,
        history.category_of_concern_label,
        history.movement
    from history
    inner join schools
        on schools.urn = history.urn

)

select * from final
