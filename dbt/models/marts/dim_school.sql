with

-- GIAS where it lists the school, else what the performance files give (int_school_register says which).
establishments as (

    select * from {{ ref('int_school_register') }}

),

establishment_types as (

    select * from {{ ref('gias_establishment_types') }}

),

chain as (

    select * from {{ ref('int_school_predecessor_chain') }}

),

predecessors as (

    select
        urn,
        min(case when generations_back = 1 then predecessor_urn end) as immediate_predecessor_urn,
        {{ value_at_max('predecessor_urn', 'generations_back') }} as earliest_predecessor_urn,
        string_agg(cast(predecessor_urn as varchar), ', ' order by generations_back, predecessor_urn) as predecessor_urns,
        count(*) as predecessor_count,
        max(generations_back) as predecessor_generations
    from chain
    where not is_self
    group by urn

),

classified as (

    select
        establishments.*,
        coalesce(
            establishment_types.governance,
            case
                when establishments.establishment_type_group ilike '%academ%'
                    or establishments.establishment_type_group ilike '%free school%' then 'academy'
                when establishments.establishment_type_group ilike '%maintained%' then 'maintained'
                when establishments.establishment_type_group ilike '%independent%' then 'independent'
                else 'other'
            end
        ) as governance,
        coalesce(establishment_types.is_special, establishments.establishment_type_group ilike '%special%') as is_special,
        coalesce(establishment_types.is_alternative_provision, false) as is_alternative_provision
    from establishments
    left join establishment_types
        on establishment_types.type_of_establishment_code = establishments.type_of_establishment_code

),

final as (

    select
        classified.urn,
        classified.laestab,
        classified.la_code,
        classified.la_name,
        classified.school_name,
        classified.type_of_establishment_code,
        classified.type_of_establishment,
        classified.establishment_type_group,
        classified.governance,
        classified.governance = 'maintained' as is_maintained,
        classified.governance = 'academy' as is_academy,
        classified.is_special,
        classified.is_alternative_provision,
        case
            when classified.is_alternative_provision then 'alternative_provision'
            when classified.is_special then 'special'
            when classified.phase_of_education ilike 'nursery%' then 'nursery'
            when classified.phase_of_education ilike '%primary%' then 'primary'
            when classified.phase_of_education ilike '%secondary%' then 'secondary'
            when classified.phase_of_education ilike 'all%through' then 'all_through'
            when classified.phase_of_education ilike '16 plus%' then 'sixteen_plus'
            else 'other'
        end as phase,
        classified.phase_of_education,
        classified.statutory_low_age,
        classified.statutory_high_age,
        classified.establishment_status,
        classified.is_open,
        classified.open_date,
        classified.close_date,
        classified.la_code = {{ var('la_code') }} as is_la_school,
        -- the schools the LA's school-improvement service works with (SI6): its maintained schools and academies
        classified.la_code = {{ var('la_code') }} and classified.governance in ('maintained', 'academy')
            as is_la_service_school,
        classified.number_of_pupils,
        classified.fsm_pct,
        classified.trust_name,
        classified.region_name,
        classified.religious_character,
        coalesce(predecessors.predecessor_count, 0) > 0 as has_predecessor,
        predecessors.immediate_predecessor_urn,
        predecessors.earliest_predecessor_urn,
        predecessors.predecessor_urns,
        cast(coalesce(predecessors.predecessor_count, 0) as integer) as predecessor_count,
        classified.gias_extract_date,
        classified.is_in_gias,
        classified.register_source
    from classified
    left join predecessors
        on predecessors.urn = classified.urn

)

select * from final
