{#- The support category overrides in force: they win over the categorisation rules, always with their rationale. -#}
with

overrides as (

    select * from {{ ref('stg_returns__category_overrides') }}

),

final as (

    select
        urn,
        support_category,
        rationale,
        approved_by,
        decided_on,
        return_as_at as override_return_as_at
    from overrides

)

select * from final
