{#- The final human decision on every image any reviewer decided (policy R8), one row per
    image. An adjudicator's (var adjudicators) latest non-defer decision wins outright.
    Otherwise the reviewers' standing decisions vote: defer is not a vote, and a relabel
    agrees with another only when both name the same class. All voters agreeing, and at
    least var required_reviews of them, gives the decision; agreeing but too few is
    needs_more_reviews; any disagreement is a conflict (no action; see review_conflicts);
    only defers is deferred. -#}
{%- set adjudicators = var('adjudicators') -%}
{%- if adjudicators is string -%}
    {%- set adjudicators = adjudicators.split(',') | map('trim') | reject('equalto', '') | list -%}
{%- endif -%}
{%- set required_reviews = var('required_reviews') | int -%}
{%- if required_reviews < 1 -%}
    {{ exceptions.raise_compiler_error(
        "var required_reviews = " ~ var('required_reviews') ~ " must be a whole number of at least 1"
    ) }}
{%- endif -%}

with latest as (
    select
        reviewer,
        image_id,
        action,
        new_class_index,
        decided_at_text,
        decided_at
    from {{ ref('int_review_decisions_latest') }}
),

tags as (
    select
        reviewer,
        image_id,
        tag_name
    from {{ ref('int_review_tags_split') }}
),

decisions as (
    select
        *,
        case
            when action = 'relabel'
                then concat('relabel to ', cast(new_class_index as {{ dbt.type_string() }}))
            else action
        end as decision_text,
        {% if adjudicators -%}
        reviewer in ({% for name in adjudicators %}{{ sql_string(name) }}{{ ', ' if not loop.last }}{% endfor %})
        {%- else -%}
            false
        {%- endif %} as is_adjudicator
    from latest
),

adjudications_ranked as (
    select
        image_id,
        reviewer,
        action,
        new_class_index,
        row_number() over (
            partition by image_id order by decided_at desc, reviewer asc
        ) as recency_rank
    from decisions
    where is_adjudicator and action != 'defer'
),

adjudications as (
    select
        image_id,
        reviewer,
        action,
        new_class_index
    from adjudications_ranked
    where recency_rank = 1
),

votes as (
    select
        image_id,
        reviewer,
        action,
        new_class_index,
        decision_text
    from decisions
    where not is_adjudicator and action != 'defer'
),

votes_counted as (
    select
        image_id,
        count(*) as votes,
        count(distinct decision_text) as distinct_decisions,
        min(action) as action,
        min(new_class_index) as new_class_index
    from votes
    group by 1
),

images_reviewed as (
    select
        image_id,
        count(distinct reviewer) as reviewers,
        max(decided_at) as last_decided_at,
        {{ sorted_string_agg(dbt.concat([
            'reviewer',
            "case when is_adjudicator then ' (adjudicator)' else '' end",
            "': '",
            'decision_text',
            "' at '",
            'decided_at_text',
        ]), '; ') }} as evidence
    from decisions
    group by 1
),

images_resolved as (
    select
        images_reviewed.image_id,
        images_reviewed.reviewers,
        images_reviewed.last_decided_at,
        images_reviewed.evidence,
        adjudications.reviewer as adjudicator,
        coalesce(votes_counted.votes, 0) as votes,
        coalesce(votes_counted.distinct_decisions, 0) as distinct_decisions,
        case
            when adjudications.image_id is not null then 'decided'
            when votes_counted.votes is null then 'deferred'
            when votes_counted.distinct_decisions > 1 then 'conflict'
            when votes_counted.votes >= {{ required_reviews }} then 'decided'
            else 'needs_more_reviews'
        end as decision_state,
        case
            when adjudications.image_id is not null then adjudications.action
            when votes_counted.distinct_decisions = 1
                and votes_counted.votes >= {{ required_reviews }}
                then votes_counted.action
        end as final_action,
        case
            when adjudications.image_id is not null then adjudications.new_class_index
            when votes_counted.distinct_decisions = 1
                and votes_counted.votes >= {{ required_reviews }}
                then votes_counted.new_class_index
        end as final_class_index
    from images_reviewed
    left join adjudications on images_reviewed.image_id = adjudications.image_id
    left join votes_counted on images_reviewed.image_id = votes_counted.image_id
),

{# Whose decisions the final one rests on: the adjudicator, or every agreeing voter. -#}
decision_makers as (
    select
        image_id,
        adjudicator as reviewer
    from images_resolved
    where adjudicator is not null
    union all
    select
        votes.image_id,
        votes.reviewer
    from votes
    inner join images_resolved on votes.image_id = images_resolved.image_id
    where images_resolved.adjudicator is null and images_resolved.decision_state = 'decided'
),

decision_makers_listed as (
    select
        image_id,
        {{ sorted_string_agg('reviewer') }} as decided_by
    from decision_makers
    group by 1
),

decision_makers_tags as (
    select
        decision_makers.image_id,
        {{ sorted_string_agg('tags.tag_name', ';', distinct=true) }} as final_tags
    from decision_makers
    inner join tags
        on decision_makers.image_id = tags.image_id
        and decision_makers.reviewer = tags.reviewer
    group by 1
),

final as (
    select
        ---------- ids
        images_resolved.image_id,

        ---------- strings
        images_resolved.final_action,
        images_resolved.decision_state,
        decision_makers_listed.decided_by,
        decision_makers_tags.final_tags,
        images_resolved.evidence,

        ---------- numerics
        images_resolved.final_class_index,
        images_resolved.reviewers,
        images_resolved.votes,
        images_resolved.distinct_decisions,

        ---------- booleans
        images_resolved.adjudicator is not null as is_adjudicated,

        ---------- timestamps
        images_resolved.last_decided_at
    from images_resolved
    left join decision_makers_listed
        on images_resolved.image_id = decision_makers_listed.image_id
    left join decision_makers_tags
        on images_resolved.image_id = decision_makers_tags.image_id
)

select * from final
