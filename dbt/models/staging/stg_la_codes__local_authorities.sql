{#- Local authorities from DfE's LA code list (region and England rows, which have no LA type, left out). -#}
with

source as (

    select * from {{ source('raw', 'raw_la_codes') }}

),

final as (

    select
        la_code,
        la_name,
        region_name,
        la_type,
        source_file,
        source_row_number
    from source
    where la_type is not null

)

select * from final
