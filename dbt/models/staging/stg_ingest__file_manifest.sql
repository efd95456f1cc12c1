{#- Every source file received by the ingest, loaded or refused: one row per file content (sha256). -#}
with

source as (

    select * from {{ source('raw', 'ingest_file_manifest') }}

),

final as (

    select
        sha256 as source_sha256,
        source as source_dataset,
        {{ regexp_first_match('original_path', '[^/\\\\]+$') }} as source_file,
        academic_year,
        data_version,
        received_at,
        row_count,
        status as file_status,
        reason as refusal_reason
    from source

)

select * from final
