{#- The register in force: the latest accepted version of the causing-concern register. -#}
with

history as (

    select * from {{ ref('stg_returns__causing_concern_register_history') }}

),

final as (

    select * from history
    where is_in_force

)

select * from final
