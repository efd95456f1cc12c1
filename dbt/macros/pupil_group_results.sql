{#- One row per area (school, LA, England's state-funded schools), year, measure and pupil group from a wide raw
    performance-table relation: every raw column seed pupil_group_columns lists for the key stage, with its cohort
    (the group's 'pupils' column) and special-value reason. The latest release of each year wins. Shared by
    stg_ks2__pupil_group_results and stg_ks4__pupil_group_results, so the two key stages cannot drift apart. -#}
{% macro pupil_group_results(key_stage, raw_relation) -%}
{%- set identifiers = [
    'rectype', 'record_type', 'lea', 'estab', 'urn', 'schname', 'nftype', 'iclose', 'urn_ac', 'file_layout',
    'academic_year', 'data_version', 'source_file', 'source_sha256', 'source_row_number', 'loaded_at',
] -%}
{%- set kept = ['record_type', 'urn', 'lea', 'nftype', 'academic_year', 'data_version'] -%}
with

areas as (

    select * from {{ raw_relation }}
    where record_type in ('mainstream_school', 'special_school', 'local_authority', 'national_state_funded')
    -- Provisional, revised and final files of one year may all be loaded: the latest version wins.
    qualify {{ data_version_rank('data_version') }}
        = max({{ data_version_rank('data_version') }}) over (partition by academic_year)

),

group_columns as (

    select * from {{ ref('pupil_group_columns') }}
    where key_stage = '{{ key_stage }}'

),

-- DuckDB's UNPIVOT keeps the column name, so the seed says what each column is. Its short form drops NULLs, so
-- values and reasons are unpivoted apart and joined back: every cell has a value or a reason (a blank is BLANK).
values_wide as (

    select {{ kept | join(', ') }}, columns(lambda c: c not like '%\_reason' escape '\' and c not in ('{{ identifiers | join("', '") }}'))
    from areas

),

reasons_wide as (

    select {{ kept | join(', ') }}, columns(lambda c: c like '%\_reason' escape '\')
    from areas

),

measure_values as (

    unpivot values_wide
    on columns(* exclude ({{ kept | join(', ') }}))
    into name raw_column value measure_value

),

measure_reasons as (

    unpivot reasons_wide
    on columns(* exclude ({{ kept | join(', ') }}))
    into name reason_column value measure_value_reason

),

cells as (

    select
        coalesce(measure_values.record_type, measure_reasons.record_type) as record_type,
        coalesce(measure_values.urn, measure_reasons.urn) as urn,
        coalesce(measure_values.lea, measure_reasons.lea) as lea,
        coalesce(measure_values.nftype, measure_reasons.nftype) as nftype,
        coalesce(measure_values.academic_year, measure_reasons.academic_year) as academic_year,
        coalesce(measure_values.data_version, measure_reasons.data_version) as data_version,
        coalesce(measure_values.raw_column, left(measure_reasons.reason_column, -7)) as raw_column,
        measure_values.measure_value,
        measure_reasons.measure_value_reason
    from measure_values
    full outer join measure_reasons
        on measure_reasons.academic_year = measure_values.academic_year
        and measure_reasons.record_type = measure_values.record_type
        and measure_reasons.urn is not distinct from measure_values.urn
        and measure_reasons.lea is not distinct from measure_values.lea
        and measure_reasons.reason_column = measure_values.raw_column || '_reason'

),

long as (

    select
        cells.*,
        group_columns.measure_code,
        group_columns.group_code
    from cells
    inner join group_columns
        on group_columns.raw_column = cells.raw_column

),

final as (

    select
        case
            when long.record_type in ('mainstream_school', 'special_school') then 'school'
            when long.record_type = 'local_authority' then 'la'
            else 'national'
        end as geography_level,
        cast(long.urn as integer) as urn,
        cast(long.lea as integer) as la_code,
        long.academic_year,
        '{{ key_stage }}' as key_stage,
        long.measure_code,
        long.group_code,
        cast(long.measure_value as double) as measure_value,
        long.measure_value_reason,
        cohort.measure_value as group_pupils,
        cohort.measure_value_reason as group_pupils_reason,
        -- LA and national rows cover state-funded schools only; KS4 files also carry independent and NMSS rows.
        coalesce(long.nftype not in ('IND', 'INDSPEC', 'NMSS'), true) as is_state_funded,
        long.raw_column,
        long.data_version
    from long
    left join long as cohort
        on cohort.academic_year = long.academic_year
        and cohort.record_type = long.record_type
        and cohort.urn is not distinct from long.urn
        and cohort.lea is not distinct from long.lea
        and cohort.group_code = long.group_code
        and cohort.measure_code = 'pupils'
    where long.measure_code != 'pupils'

)

select * from final
{%- endmacro %}
