{#- The days and money by partnership and by adviser are the ledger's rows summed: per term, each summary's totals
    equal the ledger's (to the penny / quarter-day), so nothing is lost or counted twice by the grouping. Shown in
    Dagster as a check on rpt_service__days_by_partnership. -#}
{{ config(meta={'dagster': {'ref': {'name': 'rpt_service__days_by_partnership'}}}) }}
{%- set amounts = ['planned_days', 'delivered_days', 'traded_days', 'planned_cost_gbp', 'delivered_cost_gbp', 'traded_income_gbp'] -%}
with

ledger as (
    select academic_year, term_code, {% for a in amounts %}coalesce(sum({{ a }}), 0) as {{ a }}{{ ',' if not loop.last }}{% endfor %}
    from {{ ref('rpt_service__days_and_costs') }}
    group by academic_year, term_code
),

{% for summary in ['rpt_service__days_by_partnership', 'rpt_service__days_by_adviser'] %}
{{ summary }} as (
    select academic_year, term_code, {% for a in amounts %}coalesce(sum({{ a }}), 0) as {{ a }}{{ ',' if not loop.last }}{% endfor %}
    from {{ ref(summary) }}
    group by academic_year, term_code
),
{% endfor %}

mismatches as (
    {% for summary in ['rpt_service__days_by_partnership', 'rpt_service__days_by_adviser'] %}
    select '{{ summary }}' as summary, ledger.academic_year, ledger.term_code
    from ledger
    full join {{ summary }} using (academic_year, term_code)
    where ledger.academic_year is null or {{ summary }}.academic_year is null
        {%- for a in amounts %}
        or abs(ledger.{{ a }} - {{ summary }}.{{ a }}) > 0.001
        {%- endfor %}
    {{ 'union all' if not loop.last }}
    {% endfor %}
)

select * from mismatches
