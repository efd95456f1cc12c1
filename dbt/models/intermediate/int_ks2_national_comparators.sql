with

national_results as (

    select * from {{ ref('stg_ks2__national_results') }}

),

-- The national comparator for schools and LAs is the state-funded national row (LA rows cover state-funded schools).
final as (

    select * exclude (rectype, record_type, source_row_number, loaded_at)
    from national_results
    where national_scope = 'state_funded'

)

select * from final
