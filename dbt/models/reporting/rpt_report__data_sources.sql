{#- Every source a report reads, one row per source and academic year: its version and the date of the data.
    Every report prints these rows in its "Data sources" section. -#}
with

ks2 as (

    select distinct
        'KS2 performance tables' as source_name,
        academic_year,
        data_version,
        cast(null as date) as data_date,
        source_file
    from {{ ref('stg_ks2__la_results') }}
    where la_code = {{ var('la_code') }}

),

ks4 as (

    select distinct
        'KS4 performance tables' as source_name,
        academic_year,
        data_version,
        cast(null as date) as data_date,
        source_file
    from {{ ref('stg_ks4__la_results') }}
    where la_code = {{ var('la_code') }}

),

census as (

    select distinct
        'School census' as source_name,
        academic_year,
        data_version,
        cast(null as date) as data_date,
        source_file
    from {{ ref('stg_census__school_census') }}

),

ofsted as (

    select
        'Ofsted state-funded school inspections (management information)' as source_name,
        cast(null as varchar) as academic_year,
        max(data_version) as data_version,
        max(ofsted_as_at_date) as data_date,
        max(source_file) as source_file
    from {{ ref('stg_ofsted__inspections') }}

),

gias as (

    select
        'Get Information about Schools (GIAS) establishments' as source_name,
        cast(null as varchar) as academic_year,
        'extract' as data_version,
        max(gias_extract_date) as data_date,
        max(source_file) as source_file
    from {{ ref('stg_gias__establishments') }}

),

unioned as (

    select * from ks2
    union all
    select * from ks4
    union all
    select * from census
    union all
    select * from ofsted
    union all
    select * from gias

),

final as (

    select
        source_name,
        academic_year,
        data_version,
        data_date,
        source_file
    from unioned

)

select * from final
