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

area_rows as (

    select * from {{ raw_relation }}
    where record_type in ('mainstream_school', 'special_school', 'local_authority', 'national_state_funded')

),

-- Provisional, revised and final files of one year may all be loaded: the latest version wins.
areas as (

    {{ keep_rows('area_rows', data_version_rank('data_version') ~ ' = max(' ~ data_version_rank('data_version')
        ~ ') over (partition by academic_year)') }}

),

group_columns as (

    select * from {{ ref('pupil_group_columns') }}
    where key_stage = '{{ key_stage }}'

),

-- Each cell of areas becomes a row named by its raw column, so the seed says what each column is. Values and reasons
-- are unpivoted apart and joined back: every cell has a value or a reason (a blank is BLANK).
{{ pupil_group_cells(raw_relation, kept, identifiers) }}

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
        and {{ null_safe_equals('measure_reasons.urn', 'measure_values.urn') }}
        and {{ null_safe_equals('measure_reasons.lea', 'measure_values.lea') }}
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
        cast(long.measure_value as double precision) as measure_value,
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
        and {{ null_safe_equals('cohort.urn', 'long.urn') }}
        and {{ null_safe_equals('cohort.lea', 'long.lea') }}
        and cohort.group_code = long.group_code
        and cohort.measure_code = 'pupils'
    where long.measure_code != 'pupils'

)

select * from final
{%- endmacro %}


{#- CTEs measure_values (`kept`, raw_column, measure_value) and measure_reasons (`kept`, reason_column,
    measure_value_reason) from the CTE areas: one row per non-NULL cell of each value column (not `identifiers`, not
    *_reason) and each *_reason column of `raw_relation`. -#}
{% macro pupil_group_cells(raw_relation, kept, identifiers) -%}
    {{ return(adapter.dispatch('pupil_group_cells')(raw_relation, kept, identifiers)) }}
{%- endmacro %}

{#- DuckDB picks the columns by name pattern as it runs; UNPIVOT's short form drops NULLs. -#}
{% macro duckdb__pupil_group_cells(raw_relation, kept, identifiers) -%}
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
{%- endmacro %}

{#- PostgreSQL has no UNPIVOT: the raw relation's columns are read when the model compiles and each row is spread
    with a lateral VALUES list, keeping the non-NULL cells as DuckDB's UNPIVOT does. -#}
{% macro default__pupil_group_cells(raw_relation, kept, identifiers) -%}
{%- set value_columns, reason_columns = [], [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(raw_relation) -%}
        {%- if column.name.endswith('_reason') -%}
            {%- do reason_columns.append(column.name) -%}
        {%- elif column.name not in identifiers -%}
            {%- do value_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not value_columns or not reason_columns -%}
        {{ exceptions.raise_compiler_error("pupil_group_cells: " ~ raw_relation ~ " has no value or no *_reason columns") }}
    {%- endif -%}
{%- endif -%}
{%- for cte, name_column, value_column, columns in [
    ('measure_values', 'raw_column', 'measure_value', value_columns),
    ('measure_reasons', 'reason_column', 'measure_value_reason', reason_columns),
] -%}
{{ cte }} as (

    select {% for column in kept %}areas.{{ column }}, {% endfor %}cell.{{ name_column }}, cell.{{ value_column }}
    from areas
    cross join lateral (
        values
        {%- for column in columns %}
            ('{{ column }}', areas.{{ adapter.quote(column) }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as cell ({{ name_column }}, {{ value_column }})
    where cell.{{ value_column }} is not null

),{{ '\n\n' if not loop.last }}
{%- endfor %}
{%- endmacro %}
