{{
    config(
        materialized='incremental',
        incremental_strategy='replace_academic_years',
        on_schema_change='sync_all_columns',
        tags=['academic_year_partitioned'],
    )
}}

with

source as (

    select * from {{ source('raw', 'raw_census') }}
    where {{ academic_year_filter() }}
        -- A single-LA download's own LA summary rows (URN 'LA'): LA figures are recomputed from the school rows.
        and record_type <> 'local_authority'

),

renamed as (

    select
        urn,
        academic_year,
        la as la_code,
        estab as establishment_number,
        schooltype as school_type,
        record_type = 'national' as is_national_row,
        nor as pupils_on_roll,
        nor_reason as pupils_on_roll_reason,
        pnumfsmever as fsm_ever_pct,
        pnumfsmever_reason as fsm_ever_pct_reason,
        pnumeal as eal_pct,
        pnumeal_reason as eal_pct_reason,
        psenelk as sen_support_pct,
        psenelk_reason as sen_support_pct_reason,
        psenelse as ehc_plan_pct,
        psenelse_reason as ehc_plan_pct_reason,
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
