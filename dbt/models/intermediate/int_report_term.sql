{#- The term the committee report is written for: the term containing var('report_date') when one is asked for,
    otherwise the term containing the latest date the data covers. That date is the newest dated snapshot: the
    Ofsted management-information file's as-at date; without one, the newest GIAS extract; without either, the end
    of the latest academic year with results. A date outside the reporting terms (seed school_terms) falls in the
    nearest term, and data_date keeps the real date so the report states it. -#}
with

terms as (

    select * from {{ ref('school_terms') }}

),

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

report_date as (

    select
        {%- if var('report_date') %}
        cast('{{ var("report_date") }}' as date) as report_date,
        {%- else %}
        data_date.data_date as report_date,
        {%- endif %}
        data_date.data_date,
        data_date.data_date_source
    from data_date

),

final as (

    select
        report_date.report_date,
        report_date.data_date,
        report_date.data_date_source,
        terms.academic_year,
        terms.term_code,
        terms.term_name as report_term,
        terms.term_start,
        terms.term_end
    from report_date
    cross join terms
    where report_date.report_date is not null
    qualify row_number() over (
        order by
            report_date.report_date between terms.term_start and terms.term_end desc,
            least(abs(report_date.report_date - terms.term_start), abs(report_date.report_date - terms.term_end))
    ) = 1

)

select * from final
