with

source as (

    select * from {{ source('raw', 'raw_gias_links') }}

),

renamed as (

    select
        urn,
        link_urn,
        link_name,
        link_type,
        -- GIAS spells predecessor links several ways ('Predecessor', 'Predecessor - merged', '... - amalgamated',
        -- '... - Split School'); all of them mean link_urn came before urn. Successor links are the mirror image.
        case
            when link_type ilike 'predecessor%' then 'predecessor'
            when link_type ilike 'successor%' then 'successor'
            else 'other'
        end as link_direction,
        link_established_date,
        {{ try_cast_date('data_version') }} as gias_extract_date,
        source_file,
        source_row_number,
        loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
