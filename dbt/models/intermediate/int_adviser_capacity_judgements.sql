{#- Placeholder until the LA adviser-judgement returns are ingested (they arrive later as a local return).
    It has the shape the return will have and no rows, so every school's capacity is unknown (NULL)
    and the categorisation rules treat it as not secure, saying so in the reasons. -#}
with

establishments as (

    select * from {{ ref('stg_gias__establishments') }}

),

final as (

    select
        urn,
        cast(null as varchar) as capacity_to_improve,
        cast(null as date) as judged_on,
        cast(null as varchar) as adviser_name,
        cast(null as varchar) as rationale
    from establishments
    where false

)

select * from final
