{#- The term the committee report is written for: the term containing the report date (int_report_date). -#}
with

terms as (

    select * from {{ ref('school_terms') }}

),

report_date as (

    select * from {{ ref('int_report_date') }}

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
