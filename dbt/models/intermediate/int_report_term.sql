{#- The term the committee report is written for: the reporting term (seed school_terms) containing the report date
    (int_report_date); a date outside the reporting terms falls in the nearest term, and data_date keeps the real
    date so the report states it. -#}
with

terms as (

    select * from {{ ref('school_terms') }}

),

report_date as (

    select * from {{ ref('int_report_date') }}

),

candidates as (

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

),

final as (

    {{ keep_rows('candidates', "row_number() over (
        order by
            report_date between term_start and term_end desc,
            least(abs(report_date - term_start), abs(report_date - term_end))
    ) = 1") }}

)

select * from final
