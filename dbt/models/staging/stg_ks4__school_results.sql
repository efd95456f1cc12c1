{{
    config(
        materialized='incremental',
        incremental_strategy='replace_academic_years',
        on_schema_change='sync_all_columns',
        tags=['academic_year_partitioned'],
    )
}}

{#- KS4 school (mainstream and special schools) rows, staged: see macro key_stage_results. -#}
{{ key_stage_results(source('raw', 'raw_ks4'), ks4_measure_columns(), 'school') }}
