{#- DfE statistical neighbours: ten neighbours per LA per release (sn_release 'YYYY-MM'). Only the current
    section of each release (not the 'Old SNs' of superseded LAs); closeness labels in one case. -#}
with

source as (

    select * from {{ source('raw', 'raw_statistical_neighbours') }}
    where sn_section = 'current'

),

releases as (

    select max(data_version) as latest_release from source

),

final as (

    select
        source.la_code,
        source.la_name,
        source.region_name,
        source.neighbour_la_code,
        source.neighbour_rank,
        upper(left(lower(source.closeness), 1)) || substr(lower(source.closeness), 2) as closeness,
        source.data_version as sn_release,
        source.data_version = releases.latest_release as is_latest_release,
        source.source_file,
        source.source_row_number
    from source
    cross join releases

)

select * from final
