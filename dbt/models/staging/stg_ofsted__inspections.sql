with

source as (

    select * from {{ source('raw', 'raw_ofsted_inspections') }}

),

renamed as (

    select
        urn,
        laestab,
        school_name,
        ofsted_phase,
        type_of_education,
        inspection_number,
        inspection_type,
        inspection_start_date,
        inspection_end_date,
        publication_date,
        overall_effectiveness as overall_effectiveness_grade,
        nullif(trim(category_of_concern), '') as category_of_concern,
        quality_of_education as quality_of_education_grade,
        behaviour_and_attitudes as behaviour_and_attitudes_grade,
        personal_development as personal_development_grade,
        leadership_and_management as leadership_and_management_grade,
        case safeguarding_effective
            when 'Yes' then true
            when 'No' then false
        end as is_safeguarding_effective,
        data_version,
        -- Ofsted data_version is 'as_at YYYY-MM-DD' (the management-information snapshot date).
        try_cast(replace(data_version, 'as_at ', '') as date) as ofsted_as_at_date,
        source_file,
        source_row_number,
        loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
