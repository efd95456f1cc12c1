{#- The date every report and support decision is made for: var report_date when one is asked for, otherwise the
    latest date the data covers. That date is the newest dated snapshot: the Ofsted management-information file's
    as-at date; without one, the newest GIAS extract; without either, the end of the latest academic year with
    results. The rule sets in force on this date are applied, so a re-run on the same data gives the same categories
    whatever day it runs (today's date only when no source is loaded at all). -#}
with

ofsted as (

    select max(ofsted_as_at_date) as data_date from {{ ref('stg_ofsted__inspections') }}

),

gias as (

    select max(gias_extract_date) as data_date
    from (
        select gias_extract_date from {{ ref('stg_gias__establishments') }}
        union all
        select gias_extract_date from {{ ref('stg_gias__links') }}
    ) as extracts

),

results as (

    select max({{ academic_year_end_date('academic_year') }}) as data_date
    from (
        select academic_year from {{ ref('stg_ks2__school_results') }}
        union all
        select academic_year from {{ ref('stg_ks4__school_results') }}
        union all
        select academic_year from {{ ref('stg_census__school_census') }}
    ) as years

),

data_date as (

    select
        coalesce(ofsted.data_date, gias.data_date, results.data_date) as data_date,
        case
            when ofsted.data_date is not null then 'Ofsted inspections'
            when gias.data_date is not null then 'GIAS extract'
            when results.data_date is not null then 'end of the latest academic year with results'
        end as data_date_source
    from ofsted
    cross join gias
    cross join results

),

final as (

    select
        {%- if var('report_date') %}
        cast('{{ var("report_date") }}' as date) as report_date,
        {%- else %}
        coalesce(data_date.data_date, current_date) as report_date,
        {%- endif %}
        data_date.data_date,
        data_date.data_date_source
    from data_date

)

select * from final
