{#- Each LA's name and government office region: DfE's LA code list, else (an LA missing from it) the region
    GIAS gives the LA's schools. -#}
with

la_codes as (

    select * from {{ ref('stg_la_codes__local_authorities') }}

),

establishments as (

    select * from {{ ref('stg_gias__establishments') }}

),

gias_las as (

    select
        cast(la_code as integer) as la_code,
        {{ most_common("la_name") }} as la_name,
        {{ most_common("region_name") }} as region_name
    from establishments
    where la_code is not null
    group by la_code

),

final as (

    select
        cast(coalesce(la_codes.la_code, gias_las.la_code) as integer) as la_code,
        coalesce(la_codes.la_name, gias_las.la_name) as la_name,
        coalesce(la_codes.region_name, gias_las.region_name) as region_name,
        case
            when la_codes.la_code is not null then 'DfE LA and region codes'
            else 'GIAS establishments (region of the LA''s schools)'
        end as region_source
    from la_codes
    full outer join gias_las
        on gias_las.la_code = la_codes.la_code

)

select * from final
