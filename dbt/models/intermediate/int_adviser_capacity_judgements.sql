{#- Adviser judgements of leadership capacity to improve, from the capacity_judgements return in force.
    A school with no row has no judgement yet: the categorisation treats its capacity as not secure and says so. -#}
with

judgements as (

    select * from {{ ref('stg_returns__capacity_judgements') }}

),

final as (

    select
        urn,
        capacity_to_improve,
        judged_on,
        adviser as adviser_name,
        rationale
    from judgements

)

select * from final
