{#- The headteacher each GIAS extract lists for each establishment: one row per URN per extract, from every extract
    loaded (stg_gias__establishments keeps only the newest). GIAS gives no appointment date, so a change of
    headteacher is seen by comparing extracts (int_school_headteacher_changes). The names are public GIAS fields;
    reports never print them. -#}
with

source as (

    select * from {{ source('raw', 'raw_gias_establishments') }}

),

renamed as (

    select
        urn,
        -- GIAS data_version is the extract date 'YYYY-MM-DD' taken from the file name.
        {{ try_cast_date('data_version') }} as gias_extract_date,
        nullif(trim(concat_ws(' ', head_first_name, head_last_name)), '') as head_name,
        head_job_title,
        -- GIAS HeadPreferredJobTitle is free text: 'Acting Headteacher', 'Interim Head of School', ...
        coalesce({{ contains_word('head_job_title', ['acting', 'interim']) }}, false) as is_acting_head,
        source_file
    from source

),

-- Two files of the same extract date (a re-download): the later file name wins, as in stg_gias__establishments.
deduplicated as (

    {{ keep_rows('renamed', "row_number() over (partition by urn, gias_extract_date order by source_file desc) = 1") }}

),

final as (

    select
        urn,
        gias_extract_date,
        head_name,
        head_job_title,
        is_acting_head,
        -- Case and spacing are not a change of person ('Jane  SMITH' is 'Jane Smith').
        lower(regexp_replace(head_name, '\s+', ' ', 'g')) as head_name_key
    from deduplicated
    where gias_extract_date is not null

)

select * from final
