{#- Every source a report reads, one row per source, academic year and file: its version in words and the date of
    the data (its own date: the Ofsted file's as-at date, the GIAS extract date, the end of the academic year whose
    results or census it holds). Every report prints these rows in its "Data sources" section; a source with no
    file loaded is listed as 'not loaded' so a report never reads as if it had data it lacks. LA returns are listed
    by name, file and as-at date only (never their content) and flagged is_restricted: only restricted reports
    show them. -#}
with

ks2 as (

    select distinct
        'KS2 performance tables' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_ks2__la_results') }}
    where la_code = {{ var('la_code') }}

),

ks4 as (

    select distinct
        'KS4 performance tables' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_ks4__la_results') }}
    where la_code = {{ var('la_code') }}

),

census as (

    select distinct
        'School census' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_census__school_census') }}

),

-- Ofsted: the files of the newest management-information release (it may be several files: the year-to-date
-- all-inspections file and the latest-inspections snapshot), each with its own version in words.
ofsted_files as (

    select distinct
        data_version,
        ofsted_as_at_date,
        source_file
    from {{ ref('stg_ofsted__inspections') }}

),

ofsted as (

    select
        'Ofsted state-funded school inspections (management information)' as source_name,
        cast(null as varchar) as academic_year,
        case
            when data_version like 'latest%' then 'latest inspections as at '
            else 'all inspections as at '
        end || {{ date_words('ofsted_as_at_date') }} as data_version,
        ofsted_as_at_date as data_date,
        source_file
    from ofsted_files
    where ofsted_as_at_date = (select max(ofsted_as_at_date) from ofsted_files)

),

gias as (

    select
        'Get Information about Schools (GIAS) establishments' as source_name,
        cast(null as varchar) as academic_year,
        'extract of ' || {{ date_words('max(gias_extract_date)') }} as data_version,
        max(gias_extract_date) as data_date,
        max(source_file) as source_file
    from {{ ref('stg_gias__establishments') }}
    having count(*) > 0

),

gias_links as (

    select
        'Get Information about Schools (GIAS) links' as source_name,
        cast(null as varchar) as academic_year,
        'extract of ' || {{ date_words('max(gias_extract_date)') }} as data_version,
        max(gias_extract_date) as data_date,
        max(source_file) as source_file
    from {{ ref('stg_gias__links') }}
    having count(*) > 0

),

school_information as (

    select distinct
        'School information (performance tables)' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_school_information__schools') }}

),

absence as (

    select distinct
        'Pupil absence in schools in England' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_absence__school_absence') }}

),

ks4_destinations as (

    select distinct
        'KS4 destination measures' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_ks4_destinations__destinations') }}

),

suspensions as (

    select distinct
        'Suspensions and permanent exclusions in England' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_suspensions__school_suspensions') }}

),

ks5 as (

    select distinct
        'A level and other 16 to 18 results' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_ks5__school_results') }}
    union
    select distinct
        'A level and other 16 to 18 results' as source_name,
        academic_year,
        data_version,
        {{ academic_year_end_date('academic_year') }} as data_date,
        source_file
    from {{ ref('stg_ks5__area_results') }}

),

-- The statistical-neighbour release the reports use (the latest), e.g. '2025-05' as 'release of May 2025'.
statistical_neighbours as (

    select distinct
        'Statistical neighbours (DfE local authority interactive tool)' as source_name,
        cast(null as varchar) as academic_year,
        'release of ' || {{ format_date("cast(sn_release || '-01' as date)", '%B %Y') }} as data_version,
        cast(null as date) as data_date,
        source_file
    from {{ ref('stg_statistical_neighbours__neighbours') }}
    where is_latest_release

),

la_codes as (

    select distinct
        'Local authority and region codes' as source_name,
        cast(null as varchar) as academic_year,
        'current list' as data_version,
        cast(null as date) as data_date,
        source_file
    from {{ ref('stg_la_codes__local_authorities') }}

),

-- The LA's own returns in force: name, file and as-at date only. Restricted reports alone list them.
la_returns as (

    select
        'LA return: ' || replace(return_name, '_', ' ') as source_name,
        cast(null as varchar) as academic_year,
        'as at ' || {{ date_words('return_as_at') }} as data_version,
        cast(return_as_at as date) as data_date,
        source_file
    from {{ ref('stg_returns__versions') }}
    where is_in_force

),

-- A refused file's source in the same words as the rows above. Its version in words as far as the file name says.
refused_files as (

    select
        case refused.source_dataset
            when 'ks2' then 'KS2 performance tables'
            when 'ks4' then 'KS4 performance tables'
            when 'census' then 'School census'
            when 'absence' then 'Pupil absence in schools in England'
            when 'ks4_destinations' then 'KS4 destination measures'
            when 'suspensions' then 'Suspensions and permanent exclusions in England'
            when 'ks5' then 'A level and other 16 to 18 results'
            when 'ks5_national' then 'A level and other 16 to 18 results'
            when 'gias_establishments' then 'Get Information about Schools (GIAS) establishments'
            when 'gias_links' then 'Get Information about Schools (GIAS) links'
            when 'ofsted_inspections' then 'Ofsted state-funded school inspections (management information)'
            when 'statistical_neighbours' then 'Statistical neighbours (DfE local authority interactive tool)'
            when 'la_codes' then 'Local authority and region codes'
            else refused.source_dataset
        end as source_name,
        refused.academic_year,
        case
            when refused.source_dataset like 'gias%' and {{ try_cast_date('refused.data_version') }} is not null
                then 'extract of ' || {{ date_words(try_cast_date('refused.data_version')) }}
            else replace(refused.data_version, '_', ' ')
        end as data_version,
        cast(null as date) as data_date,
        refused.source_file,
        -- the reason without the file name it starts with (the file has its own column)
        case
            when starts_with(refused.refusal_reason, refused.source_file || ', ')
                or starts_with(refused.refusal_reason, refused.source_file || ': ')
                then substr(refused.refusal_reason, length(refused.source_file) + 3)
            else refused.refusal_reason
        end as refusal_reason
    from {{ ref('stg_ingest__file_manifest') }} as refused
    where refused.file_status = 'quarantined'

),

national_sources as (

    select * from ks2
    union all
    select * from ks4
    union all
    select * from census
    union all
    select * from ofsted
    union all
    select * from gias
    union all
    select * from gias_links
    union all
    select * from school_information
    union all
    select * from absence
    union all
    select * from ks4_destinations
    union all
    select * from suspensions
    union all
    select * from ks5
    union all
    select * from statistical_neighbours
    union all
    select * from la_codes

),

-- The sources every LA needs: one 'not loaded' row for each with no file, so reports say what is missing.
expected_sources as (

    select * from (values
        ('KS2 performance tables'),
        ('KS4 performance tables'),
        ('Ofsted state-funded school inspections (management information)'),
        ('Get Information about Schools (GIAS) establishments'),
        ('School census'),
        ('Statistical neighbours (DfE local authority interactive tool)'),
        ('Local authority and region codes')
    ) as expected (source_name)

),

not_loaded as (

    select
        expected_sources.source_name,
        cast(null as varchar) as academic_year,
        'not loaded' as data_version,
        cast(null as date) as data_date,
        cast(null as varchar) as source_file
    from expected_sources
    where expected_sources.source_name not in (select source_name from national_sources)

),

unioned as (

    select *, false as is_restricted, false as is_refused, cast(null as varchar) as refusal_reason
    from national_sources
    union all
    select *, false as is_restricted, false as is_refused, cast(null as varchar) as refusal_reason
    from not_loaded
    union all
    select *, true as is_restricted, false as is_refused, cast(null as varchar) as refusal_reason
    from la_returns
    union all
    select
        source_name,
        academic_year,
        data_version,
        data_date,
        source_file,
        false as is_restricted,
        true as is_refused,
        refusal_reason
    from refused_files

),

final as (

    select
        source_name,
        academic_year,
        data_version,
        data_date,
        source_file,
        is_restricted,
        is_refused,
        refusal_reason
    from unioned

)

select * from final
