{#- Monthly inspection briefing: every Ofsted report published for the LA's maintained schools and academies,
    with its publication month, outcome and movement since the previous inspection (which may belong to a
    predecessor school). The briefing for a month (a Dagster partition) shows that month's rows. -#}
with

inspections as (

    select * from {{ ref('int_la_school_inspections') }}

),

final as (

    select
        cast(date_trunc('month', publication_date) as date) as publication_month,
        urn,
        school_name,
        phase,
        governance,
        inspection_number,
        inspection_type,
        inspection_start_date,
        publication_date,
        overall_effectiveness_grade,
        inspection_regime,
        outcome_label as overall_effectiveness_label,
        category_of_concern_label,
        previous_outcome_label as previous_effectiveness_label,
        movement
    from inspections

)

select * from final
