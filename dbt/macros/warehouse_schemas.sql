{#- Where each model is built. DuckDB: one schema, `main`, for everything (one file, one machine). PostgreSQL (a
    shared warehouse): models tagged `restricted` (the LA's returns, the register, adviser judgements, named support
    lists) go to the `restricted` schema, which only the service role can read (lib/warehouse/local_postgres.py);
    the rest to the target's schema, which report readers' role reads. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if target.type != 'duckdb' and node.resource_type == 'model' and 'restricted' in node.config.tags -%}
        restricted
    {%- else -%}
        {{ default__generate_schema_name(custom_schema_name, node) }}
    {%- endif -%}
{%- endmacro %}

{#- PostgreSQL runs a view's query with its owner's rights unless the view says otherwise, so a published view over a
    restricted table would hand the restricted rows to anyone who can read the view. security_invoker (PostgreSQL
    15) checks the reader's own rights instead: the view refuses a reader who cannot read what it reads. Otherwise
    dbt's own create_view_as. -#}
{% macro postgres__create_view_as(relation, sql) -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create view {{ relation.render() }}
    {%- if config.get('contract').enforced %}
        {{ get_assert_columns_equivalent(sql) }}
    {%- endif %}
    with (security_invoker = true)
    as (
        {{ sql }}
    );
{%- endmacro %}

{#- PostgreSQL plans a query over a new table without statistics until autovacuum analyses it, and guesses badly
    (a whole build took 7 minutes instead of under one): each table model is analysed as soon as it is built. -#}
{% macro analyze_built_table() -%}
    {%- if target.type == 'postgres' and model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
