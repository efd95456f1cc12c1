{#- The term the committee report is written for: the term containing var('report_date'), or, by default,
    the date of the latest Ofsted snapshot (the most recent dated evidence in the warehouse). -#}
with

terms as (

    select * from {{ ref('school_terms') }}

),

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

report_date as (

    select
        {%- if var('report_date') %}
        cast('{{ var("report_date") }}' as date) as report_date
        {%- else %}
        coalesce(max(ofsted_as_at_date), max(publication_date), current_date) as report_date
        {%- endif %}
    from inspections

),

final as (

    select
        report_date.report_date,
        terms.academic_year,
        terms.term_code,
        terms.term_name as report_term,
        terms.term_start,
        terms.term_end
    from report_date
    inner join terms
        on report_date.report_date between terms.term_start and terms.term_end

)

select * from final
