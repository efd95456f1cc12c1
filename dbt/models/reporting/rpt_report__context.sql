with

report_term as (

    select * from {{ ref('int_report_term') }}

),

schools as (

    select * from {{ ref('dim_school') }}

),

support as (

    select * from {{ ref('fct_school_support_category') }}

),

ks2_la as (

    select * from {{ ref('stg_ks2__la_results') }}
    where la_code = {{ var('la_code') }}

),

ks4_la as (

    select * from {{ ref('stg_ks4__la_results') }}
    where la_code = {{ var('la_code') }}

),

ks2_latest as (

    select academic_year, data_version, source_file from (
        {{ keep_rows('ks2_la', 'row_number() over (order by academic_year desc) = 1') }}
    ) as latest

),

ks4_latest as (

    select academic_year, data_version, source_file from (
        {{ keep_rows('ks4_la', 'row_number() over (order by academic_year desc) = 1') }}
    ) as latest

),

gias as (

    select max(gias_extract_date) as gias_extract_date, max(source_file) as source_file
    from {{ ref('stg_gias__establishments') }}

),

ofsted as (

    select
        max(ofsted_as_at_date) as ofsted_as_at_date,
        max(publication_date) as latest_publication_date,
        max(source_file) as source_file
    from {{ ref('stg_ofsted__inspections') }}

),

census_files as (

    select academic_year, data_version, source_file from {{ ref('stg_census__school_census') }}

),

census as (

    {{ keep_rows('census_files', 'row_number() over (order by academic_year desc) = 1') }}

),

la_name as (

    select max(la_name) as la_name from schools
    where is_la_school

),

concern as (

    select count(*) as schools_causing_concern_count
    from support
    where is_causing_concern

),

final as (

    select
        cast({{ var('la_code') }} as integer) as la_code,
        la_name.la_name,
        report_term.report_term,
        report_term.term_start,
        report_term.term_end,
        report_term.data_date,
        report_term.data_date_source,
        ofsted.ofsted_as_at_date,
        ofsted.latest_publication_date as inspections_published_to,
        greatest(ks2_latest.academic_year, ks4_latest.academic_year) as latest_academic_year,
        -- dates as YYYY-MM-DD (a date cast to text in both engines)
        concat_ws(
            '; ',
            'KS2 performance tables ' || ks2_latest.academic_year || ' (' || ks2_latest.data_version || ', ' || ks2_latest.source_file || ')',
            'KS4 performance tables ' || ks4_latest.academic_year || ' (' || ks4_latest.data_version || ', ' || ks4_latest.source_file || ')',
            'Ofsted state-funded school inspections as at ' || cast(ofsted.ofsted_as_at_date as varchar) || ' (' || ofsted.source_file || ')',
            'GIAS establishments extract ' || cast(gias.gias_extract_date as varchar) || ' (' || gias.source_file || ')',
            'School census ' || census.academic_year || ' (' || census.source_file || ')'
        ) as sources,
        cast(concern.schools_causing_concern_count as integer) as schools_causing_concern_count
    from report_term
    cross join la_name
    cross join concern
    left join ks2_latest on true
    left join ks4_latest on true
    left join gias on true
    left join ofsted on true
    left join census on true

)

select * from final
