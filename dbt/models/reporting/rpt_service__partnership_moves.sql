{#- RESTRICTED (names schools in the LA's own partnerships with dates): every school that moved from one partnership
    to another, from the groupings return's history, so the service plan can say where a school's days were costed
    before and after. -#}
with

partnership_spells as (

    select * from {{ ref('int_school_grouping_history') }}
    where grouping_type = 'partnership'

),

schools as (

    select * from {{ ref('dim_school') }}

),

spells_with_previous as (

    select
        urn,
        grouping_name as to_partnership,
        valid_from as moved_on,
        recorded_on,
        lag(grouping_name) over (partition by urn order by valid_from) as from_partnership
    from partnership_spells

),

final as (

    select
        spells_with_previous.urn,
        schools.school_name,
        spells_with_previous.from_partnership,
        spells_with_previous.to_partnership,
        spells_with_previous.moved_on,
        spells_with_previous.recorded_on
    from spells_with_previous
    left join schools on schools.urn = spells_with_previous.urn
    where spells_with_previous.from_partnership is not null
        and spells_with_previous.from_partnership <> spells_with_previous.to_partnership

)

select * from final
