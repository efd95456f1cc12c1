{#- The category overrides in force: the latest accepted version of the overrides return. -#}
with

history as (

    select * from {{ ref('stg_returns__category_override_history') }}

),

final as (

    select * from history
    where is_in_force

)

select * from final
