-- A school is in one grouping of each type at a time: its spells (int_school_grouping_history) never overlap and
-- each ends after it starts. A later groupings return backdating a change before the previous spell began fails here.
with

spells as (

    select * from {{ ref('int_school_grouping_history') }}

)

select earlier.urn, earlier.grouping_type, earlier.valid_from, later.valid_from as overlapping_from
from spells as earlier
inner join spells as later
    on later.urn = earlier.urn
    and later.grouping_type = earlier.grouping_type
    and later.valid_from > earlier.valid_from
    and (earlier.valid_to is null or earlier.valid_to > later.valid_from)
union all
select urn, grouping_type, valid_from, valid_to
from spells
where valid_to <= valid_from
