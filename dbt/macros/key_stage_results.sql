{#- The staged rows of one record level of a KS2 or KS4 performance-table relation: 'school' (mainstream and special
    schools), 'la' (each LA's row) or 'national' (England's all-schools and state-funded rows), with the key stage's
    measures and their special-value reasons (`measure_columns`: macro ks2_measure_columns or ks4_measure_columns).
    The latest release of each year wins. Shared by the six stg_ks2__/stg_ks4__ *_results models, so the two key
    stages cannot drift apart. -#}
{% macro key_stage_results(raw_relation, measure_columns, level) -%}
{%- set record_types = {
    'school': ['mainstream_school', 'special_school'],
    'la': ['local_authority'],
    'national': ['national_all_schools', 'national_state_funded'],
}[level] -%}
with

source as (

    select * from {{ raw_relation }}
    where {{ academic_year_filter() }}

),

renamed as (

    select
        {%- if level == 'school' %}
        urn,
        academic_year,
        lea as la_code,
        estab as establishment_number,
        schname as school_name,
        rectype,
        record_type,
        record_type = 'special_school' as is_special_school,
        nftype as school_type_code,
        -- ICLOSE 1 = closed; URN_AC = the academy the school became (KS2 files only).
        iclose = 1 as is_closed,
        nullif(urn_ac, 0) as academy_urn,  -- DfE writes 0 for "no academy URN"
        file_layout,
        -- LA and national rows cover state-funded schools only; KS4 files also carry independent and NMSS rows.
        coalesce(nftype not in ('IND', 'INDSPEC', 'NMSS'), true) as is_state_funded,
        {%- elif level == 'la' %}
        lea as la_code,
        academic_year,
        schname as la_name,
        rectype,
        record_type,
        {%- else %}
        academic_year,
        replace(record_type, 'national_', '') as national_scope,
        schname as area_name,
        rectype,
        record_type,
        {%- endif %}
        {{ measure_columns }}
        data_version,
        source_file,
        source_row_number,
        loaded_at
    from source
    where record_type in ('{{ record_types | join("', '") }}')

),

-- Provisional, revised and final files of one year may all be loaded: the latest version wins.
latest_version as (

    {{ keep_rows('renamed', data_version_rank('data_version') ~ ' = max(' ~ data_version_rank('data_version')
        ~ ') over (partition by academic_year)') }}

),

final as (

    select * from latest_version

)

select * from final
{%- endmacro %}
