{#- The date every support decision is made for: var report_date, or by default the date of the latest Ofsted
    snapshot (the most recent dated evidence in the warehouse). The rule sets in force on this date are applied,
    so a re-run on the same data gives the same categories whatever day it runs. -#}
with

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

final as (

    select
        {%- if var('report_date') %}
        cast('{{ var("report_date") }}' as date) as report_date
        {%- else %}
        coalesce(max(ofsted_as_at_date), max(publication_date), current_date) as report_date
        {%- endif %}
    from inspections

)

select * from final
