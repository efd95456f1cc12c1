{{
    config(
        materialized='incremental',
        incremental_strategy='replace_academic_years',
        on_schema_change='sync_all_columns',
        tags=['academic_year_partitioned'],
    )
}}

{#- KS4 England's (all schools and state-funded) rows, staged: see macro key_stage_results. -#}
{{ key_stage_results(source('raw', 'raw_ks4'), ks4_measure_columns(), 'national') }}
