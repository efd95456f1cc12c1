{#- The school-information "spine" of the performance-tables download: each school once, from the newest year that
    lists it. OTHERURN means the successor of a school that closed and the predecessor of one that opened. -#}
with

source as (

    select * from {{ source('raw', 'raw_school_information') }}

),

renamed as (

    select
        urn,
        la_code * 10000 + establishment_number as laestab,
        la_code,
        establishment_number,
        school_name,
        minor_group,
        school_type,
        open_date,
        close_date,
        close_date is null as is_open,
        is_primary = 1 as is_primary,
        is_secondary = 1 as is_secondary,
        is_post16 = 1 as is_post16,
        statutory_low_age,
        statutory_high_age,
        religious_character,
        case when close_date is not null then other_urn end as successor_urn,
        case when close_date is null and open_date is not null then other_urn end as predecessor_urn,
        academic_year,
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from source

),

final as (

    {{ keep_rows('renamed', "row_number() over (partition by urn order by academic_year desc, data_version desc) = 1") }}

)

select * from final
