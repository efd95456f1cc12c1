{#- Each school's spells in each of the LA's groupings, from every accepted version of the groupings return. A new
    version replaces the whole return as at its date and repeats the rows that did not change, so a spell starts only
    where the school's grouping differs from the version before (or it reappears) and ends where the next change
    takes effect, or on the as-at date of the first version that no longer lists the school. A later version that
    corrects a grouping from the same date (or earlier) replaces the spell it corrects. -#}
{%- set grouping_columns = ['district', 'cluster', 'partnership', 'network', 'link_adviser'] -%}

with

history as (

    select * from {{ ref('stg_returns__groupings_history') }}

),

versions as (

    select
        version_number,
        valid_from as version_valid_from,
        return_as_at
    from {{ ref('stg_returns__versions') }}
    where return_name = 'groupings'

),

-- One row per school, version and grouping type; a blank cell means the school is in no grouping of that type.
listed as (

    {%- for column in grouping_columns %}
    select
        urn,
        version_number,
        effective_from,
        '{{ column }}' as grouping_type,
        nullif(trim({{ column }}), '') as grouping_name
    from history
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

-- Every version for every school and grouping type ever listed, so a version that drops the school is seen.
states as (

    select
        keys.urn,
        keys.grouping_type,
        versions.version_number,
        versions.version_valid_from,
        versions.return_as_at,
        listed.urn is not null as is_listed,
        listed.grouping_name,
        listed.effective_from
    from (select distinct urn, grouping_type from listed) as keys
    cross join versions
    left join listed
        on listed.urn = keys.urn
        and listed.grouping_type = keys.grouping_type
        and listed.version_number = versions.version_number

),

compared as (

    select
        *,
        lag(is_listed) over by_version as was_listed,
        lag(grouping_name) over by_version as previous_grouping_name
    from states
    window by_version as (partition by urn, grouping_type order by version_number)

),

-- A change takes effect on the row's effective_from; a school dropped from the return leaves on the version's date.
changes as (

    select
        urn,
        grouping_type,
        version_number,
        return_as_at,
        is_listed,
        grouping_name,
        case when is_listed then effective_from else version_valid_from end as change_date
    from compared
    where was_listed is null
        or is_listed <> was_listed
        or grouping_name is distinct from previous_grouping_name

),

-- A spell ends at the earliest later change: a later version backdating a change (a correction) cuts it short, and
-- a spell a correction dates before its own start never took effect.
spells as (

    select
        *,
        min(change_date) over (
            partition by urn, grouping_type order by version_number rows between 1 following and unbounded following
        ) as next_change_date
    from changes

),

final as (

    select
        cast(urn as integer) as urn,
        grouping_type,
        grouping_name,
        change_date as valid_from,
        next_change_date as valid_to,
        next_change_date is null as is_current,
        cast(version_number as integer) as recorded_in_version,
        return_as_at as recorded_on
    from spells
    where is_listed
        and grouping_name is not null
        and (next_change_date is null or next_change_date > change_date)

)

select * from final
