{#- Every school the warehouse knows, once: the GIAS extract where it lists the school; else the performance-tables
    school information (spine); else the school's own rows in the KS2 / KS4 files; else its census rows. A single-LA
    GIAS export holds open schools only, so predecessors of academies, closed schools and schools of other LAs that
    appear in the performance files are kept with the facts those files give, and register_source says which. -#}
with

gias as (

    select * from {{ ref('stg_gias__establishments') }}

),

school_information as (

    select * from {{ ref('stg_school_information__schools') }}

),

ks2 as (

    select * from {{ ref('stg_ks2__school_results') }}

),

ks4 as (

    select * from {{ ref('stg_ks4__school_results') }}

),

census as (

    select * from {{ ref('stg_census__school_census') }}
    where not is_national_row

),

school_types as (

    select * from {{ ref('school_type_codes') }}

),

establishment_types as (

    select * from {{ ref('gias_establishment_types') }}

),

regions as (

    select * from {{ ref('int_la_regions') }}

),

from_gias as (

    select
        urn,
        laestab,
        la_code,
        la_name,
        school_name,
        type_of_establishment_code,
        type_of_establishment,
        establishment_type_group,
        establishment_status,
        is_open,
        open_date,
        close_date,
        phase_of_education,
        statutory_low_age,
        statutory_high_age,
        number_of_pupils,
        fsm_pct,
        trust_name,
        region_name,
        religious_character,
        gias_extract_date,
        'GIAS establishments extract of ' || {{ date_words('gias_extract_date') }} as register_source,
        1 as source_priority
    from gias

),

from_school_information as (

    select
        urn,
        laestab,
        la_code,
        cast(null as varchar) as la_name,
        school_name,
        school_type as type_name,
        case when is_open then 'Open' else 'Closed' end as establishment_status,
        is_open,
        open_date,
        close_date,
        case
            when is_primary and is_secondary then 'All-through'
            when is_primary then 'Primary'
            when is_secondary then 'Secondary'
            when is_post16 then '16 plus'
            else 'Not applicable'
        end as phase_of_education,
        statutory_low_age,
        statutory_high_age,
        religious_character,
        'performance tables school information ' || academic_year || ' (not in the GIAS extract)' as register_source,
        2 as source_priority
    from school_information

),

-- A school's own KS2 / KS4 rows, newest year first: name, LA, type code and the closed flag. These candidates and
-- the census ones carry every column of from_school_information (NULL where they have none), so they union by
-- position in both warehouses.
results as (

    select urn, academic_year, la_code, establishment_number, school_name, school_type_code, is_closed,
        'KS4' as key_stage, 'Secondary' as phase_of_education
    from ks4
    union all
    select urn, academic_year, la_code, establishment_number, school_name, school_type_code, is_closed,
        'KS2' as key_stage, 'Primary' as phase_of_education
    from ks2

),

latest_results as (

    {{ keep_rows('results', "row_number() over (partition by urn order by academic_year desc nulls last, key_stage desc) = 1") }}

),

from_results as (

    select
        urn,
        la_code * 10000 + establishment_number as laestab,
        la_code,
        cast(null as varchar) as la_name,
        school_name,
        school_type_code as type_name,
        case when is_closed then 'Closed' else 'Open' end as establishment_status,
        not coalesce(is_closed, false) as is_open,
        cast(null as date) as open_date,
        cast(null as date) as close_date,
        phase_of_education,
        cast(null as integer) as statutory_low_age,
        cast(null as integer) as statutory_high_age,
        cast(null as varchar) as religious_character,
        key_stage || ' performance tables ' || academic_year || ' (not in the GIAS extract)' as register_source,
        3 as source_priority
    from latest_results

),

latest_census as (

    {{ keep_rows('census', "row_number() over (partition by urn order by academic_year desc nulls last) = 1") }}

),

from_census as (

    select
        urn,
        -- The census establishment number is text: a non-numeric one gives no LAESTAB.
        cast(
            case when establishment_number similar to '[0-9]{1,9}'
                then la_code * 10000 + cast(establishment_number as integer)
            end as integer
        ) as laestab,
        la_code,
        cast(null as varchar) as la_name,
        cast(null as varchar) as school_name,
        school_type as type_name,
        cast(null as varchar) as establishment_status,
        cast(null as boolean) as is_open,
        cast(null as date) as open_date,
        cast(null as date) as close_date,
        cast(null as varchar) as phase_of_education,
        cast(null as integer) as statutory_low_age,
        cast(null as integer) as statutory_high_age,
        cast(null as varchar) as religious_character,
        'school census ' || academic_year || ' (not in the GIAS extract; no school name)' as register_source,
        4 as source_priority
    from latest_census

),

-- Schools without a GIAS row, typed through seed school_type_codes.
not_in_gias as (

    select
        candidates.urn,
        candidates.laestab,
        candidates.la_code,
        regions.la_name,
        coalesce(candidates.school_name, 'School URN ' || candidates.urn) as school_name,
        school_types.type_of_establishment_code,
        coalesce(establishment_types.type_of_establishment, candidates.type_name) as type_of_establishment,
        cast(null as varchar) as establishment_type_group,
        candidates.establishment_status,
        candidates.is_open,
        candidates.open_date,
        candidates.close_date,
        coalesce(school_types.phase_of_education, candidates.phase_of_education) as phase_of_education,
        candidates.statutory_low_age,
        candidates.statutory_high_age,
        cast(null as integer) as number_of_pupils,
        cast(null as double precision) as fsm_pct,
        cast(null as varchar) as trust_name,
        regions.region_name,
        candidates.religious_character,
        cast(null as date) as gias_extract_date,
        candidates.register_source,
        candidates.source_priority
    from (
        select * from from_school_information
        union all
        select * from from_results
        union all
        select * from from_census
    ) as candidates
    left join school_types
        on lower(school_types.school_type) = lower(candidates.type_name)
    left join establishment_types
        on establishment_types.type_of_establishment_code = school_types.type_of_establishment_code
    left join regions
        on regions.la_code = candidates.la_code
    where candidates.urn not in (select urn from gias)

),

unioned as (

    select * from from_gias
    union all
    select * from not_in_gias

),

-- Each school from its first source (GIAS, then school information, results, census).
first_source as (

    {{ keep_rows('unioned', "row_number() over (partition by urn order by source_priority) = 1") }}

),

final as (

    select
        cast(urn as integer) as urn,
        cast(laestab as integer) as laestab,
        cast(la_code as integer) as la_code,
        la_name,
        school_name,
        cast(type_of_establishment_code as integer) as type_of_establishment_code,
        type_of_establishment,
        establishment_type_group,
        establishment_status,
        is_open,
        open_date,
        close_date,
        phase_of_education,
        cast(statutory_low_age as integer) as statutory_low_age,
        cast(statutory_high_age as integer) as statutory_high_age,
        cast(number_of_pupils as integer) as number_of_pupils,
        fsm_pct,
        trust_name,
        region_name,
        religious_character,
        gias_extract_date,
        source_priority = 1 as is_in_gias,
        register_source
    from first_source

)

select * from final
