{#- Who changed a school's category override and why: each accepted version of the overrides return compared
    with the version before it, per school (added, changed or withdrawn). -#}
with

versions as (

    select version_number, return_as_at, source_file
    from {{ ref('stg_returns__versions') }}
    where return_name = 'category_overrides'

),

history as (

    select * from {{ ref('stg_returns__category_override_history') }}

),

school_versions as (

    select versions.version_number, history.urn
    from versions
    inner join history
        on history.version_number = versions.version_number
    union
    select versions.version_number, history.urn
    from versions
    inner join history
        on history.version_number = versions.version_number - 1

),

compared as (

    select
        school_versions.urn,
        school_versions.version_number,
        versions.return_as_at,
        versions.source_file,
        current_version.support_category,
        current_version.rationale,
        current_version.approved_by,
        current_version.decided_on,
        previous_version.support_category as previous_support_category,
        previous_version.approved_by as previous_approved_by,
        case
            when previous_version.urn is null then 'added'
            when current_version.urn is null then 'withdrawn'
            when current_version.support_category is distinct from previous_version.support_category
                or current_version.rationale is distinct from previous_version.rationale
                or current_version.approved_by is distinct from previous_version.approved_by
                or current_version.decided_on is distinct from previous_version.decided_on
                then 'changed'
        end as change_type
    from school_versions
    inner join versions
        on versions.version_number = school_versions.version_number
    left join history as current_version
        on current_version.version_number = school_versions.version_number
        and current_version.urn = school_versions.urn
    left join history as previous_version
        on previous_version.version_number = school_versions.version_number - 1
        and previous_version.urn = school_versions.urn

),

final as (

    select * from compared
    where change_type is not null

)

select * from final
