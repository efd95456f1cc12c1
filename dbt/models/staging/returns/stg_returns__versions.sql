{#- Every accepted version of every return, with its validity: from its as-at date until the next accepted version's. -#}
with

manifest as (

    select * from {{ source('raw_returns', 'returns_file_manifest') }}

),

accepted as (

    select
        return_name,
        sha256 as return_version,
        original_name as source_file,
        archived_path,
        return_as_at,
        received_at,
        row_count
    from manifest
    where status = 'accepted'

),

final as (

    select
        return_name,
        return_version,
        cast(row_number() over (partition by return_name order by return_as_at, received_at) as integer) as version_number,
        source_file,
        archived_path,
        return_as_at,
        received_at,
        row_count,
        return_as_at as valid_from,
        lead(return_as_at) over (partition by return_name order by return_as_at, received_at) as valid_to,
        lead(return_as_at) over (partition by return_name order by return_as_at, received_at) is null as is_in_force
    from accepted

)

select * from final
