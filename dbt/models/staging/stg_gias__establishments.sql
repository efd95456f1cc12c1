with

source as (

    select * from {{ source('raw', 'raw_gias_establishments') }}

),

renamed as (

    select
        urn,
        laestab,
        la_code,
        la_name,
        establishment_number,
        establishment_name as school_name,
        type_of_establishment_code,
        type_of_establishment,
        establishment_type_group_code,
        establishment_type_group,
        establishment_status,
        establishment_status ilike 'open%' as is_open,
        open_date,
        close_date,
        reason_establishment_opened,
        reason_establishment_closed,
        phase_of_education_code,
        phase_of_education,
        statutory_low_age,
        statutory_high_age,
        number_of_pupils,
        percentage_fsm as fsm_pct,
        trust_name,
        gor_name as region_name,
        religious_character,
        -- GIAS data_version is the extract date 'YYYY-MM-DD' taken from the file name.
        {{ try_cast_date('data_version') }} as gias_extract_date,
        source_file,
        source_row_number,
        loaded_at
    from source

),

-- The latest extract is the register; an older extract only adds what the latest no longer lists (a single-LA
-- export holds open schools only, so a school that closed since drops out of it): each URN's newest row.
flagged as (

    select
        *,
        gias_extract_date = max(gias_extract_date) over () as is_in_latest_extract
    from renamed

),

final as (

    {{ keep_rows('flagged', "row_number() over (partition by urn order by gias_extract_date desc nulls last, source_file desc) = 1") }}

)

select * from final
