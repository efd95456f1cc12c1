{#- Each change of headteacher GIAS shows: the headteacher an extract lists for a school is not the one its previous
    extract with a name listed (stg_gias__headteachers; a blank name is unknown, not a change). GIAS gives no
    appointment date, so a change is dated by the two extracts it falls between. One row per school per change. -#}
with

heads as (

    select * from {{ ref('stg_gias__headteachers') }}
    where head_name_key is not null

),

sequenced as (

    select
        urn,
        gias_extract_date,
        head_name_key,
        lag(gias_extract_date) over (partition by urn order by gias_extract_date) as previous_extract_date,
        lag(head_name_key) over (partition by urn order by gias_extract_date) as previous_head_name_key
    from heads

),

final as (

    select
        urn,
        previous_extract_date as previous_head_last_listed_on,
        gias_extract_date as new_head_first_listed_on
    from sequenced
    where previous_head_name_key is not null
        and head_name_key <> previous_head_name_key

)

select * from final
