{#- The days-and-money ledger (rpt_service__days_and_costs) summed by one column - partnership or adviser - for
    every term, with the academic year to date beside each term. Every ledger amount is additive, so each figure is
    the sum of its school rows (exact: dbt/macros/exact_means.sql); rows with no value in the column form one row
    under `unassigned`. -#}
{% macro summarise_service_days(group_column, unassigned) %}
with

ledger as (

    select * from {{ ref('rpt_service__days_and_costs') }}

),

by_term as (

    select
        coalesce({{ group_column }}, '{{ unassigned }}') as {{ group_column }},
        {{ group_column }} is not null as is_assigned,
        academic_year,
        term_code,
        {{ any_one('term_name') }} as term_name,
        {{ any_one('term_order') }} as term_order,
        bool_or(is_report_term) as is_report_term,
        {{ any_one('delivery_status') }} as delivery_status,
        count(distinct urn) as schools,
        {{ exact_sum('planned_days') }} as planned_days,
        {{ exact_sum('planned_days_to_date') }} as planned_days_to_date,
        {{ exact_sum('delivered_days') }} as delivered_days,
        {{ exact_sum('traded_days') }} as traded_days,
        {{ exact_sum('planned_cost_gbp') }} as planned_cost_gbp,
        {{ exact_sum('delivered_cost_gbp') }} as delivered_cost_gbp,
        {{ exact_sum('traded_income_gbp') }} as traded_income_gbp
    from ledger
    -- The select's own grouping expressions (PostgreSQL has no GROUP BY ALL).
    group by coalesce({{ group_column }}, '{{ unassigned }}'), {{ group_column }} is not null, academic_year, term_code

),

final as (

    select
        *,
        {%- for amount in ['planned_days', 'delivered_days', 'traded_days', 'planned_cost_gbp', 'delivered_cost_gbp', 'traded_income_gbp'] %}
        sum({{ amount }}) over year_to_date as {{ amount }}_year_to_date,
        {%- endfor %}
        -- Named rows in name order, the unassigned row last.
        dense_rank() over (order by not is_assigned, {{ group_column }}) as display_order
    from by_term
    window year_to_date as (
        partition by {{ group_column }}, academic_year order by term_order
        rows between unbounded preceding and current row
    )

)

select * from final
{% endmacro %}
