{#- Agreement between every pair of reviewers (policy R8), over the images both have a
    standing decision on: on the action (four categories keep / remove / relabel / defer;
    the new class is not compared) and on each schema tag either of them used there (two
    categories: tag present or not). Percent agreement p_o = agreements / n; Cohen's kappa
    = (p_o - p_e) / (1 - p_e), where p_e = sum over categories of the product of the two
    reviewers' shares. Computed exactly from counts as (A n - E) / (n^2 - E), with A the
    agreements and E = sum of the products of the two reviewers' category counts; null
    when p_e = 1 (both reviewers used one and the same category throughout). Output is
    rounded: the two percentages to 2 decimals, kappa to 4. -#}
{%- set actions = ['keep', 'remove', 'relabel', 'defer'] -%}

with latest as (
    select
        reviewer,
        image_id,
        action
    from {{ ref('int_review_decisions_latest') }}
),

tags as (
    select
        reviewer,
        image_id,
        tag_name
    from {{ ref('int_review_tags_split') }}
    where is_in_schema
),

images_in_common as (
    select
        reviewer_a_decisions.reviewer as reviewer_a,
        reviewer_b_decisions.reviewer as reviewer_b,
        reviewer_a_decisions.image_id,
        reviewer_a_decisions.action as action_a,
        reviewer_b_decisions.action as action_b
    from latest as reviewer_a_decisions
    inner join latest as reviewer_b_decisions
        on reviewer_a_decisions.image_id = reviewer_b_decisions.image_id
        and reviewer_a_decisions.reviewer < reviewer_b_decisions.reviewer
),

action_counts as (
    select
        reviewer_a,
        reviewer_b,
        'action' as measure,
        count(*) as images_in_common,
        {{ count_where('action_a = action_b') }} as agreements,
        {%- for action in actions %}
            {{ count_where("action_a = '" ~ action ~ "'") }}
            * {{ count_where("action_b = '" ~ action ~ "'") }}{{ ' +' if not loop.last }}
        {%- endfor %} as expected_agreements_scaled
    from images_in_common
    group by reviewer_a, reviewer_b
),

{# Tags either reviewer of a pair used on an image they have in common. -#}
pair_tags as (
    select distinct
        images_in_common.reviewer_a,
        images_in_common.reviewer_b,
        tags.tag_name
    from images_in_common
    inner join tags
        on images_in_common.image_id = tags.image_id
        and (
            images_in_common.reviewer_a = tags.reviewer
            or images_in_common.reviewer_b = tags.reviewer
        )
),

tag_presence as (
    select
        pair_tags.reviewer_a,
        pair_tags.reviewer_b,
        pair_tags.tag_name,
        images_in_common.image_id,
        tags_a.tag_name is not null as has_tag_a,
        tags_b.tag_name is not null as has_tag_b
    from pair_tags
    inner join images_in_common
        on pair_tags.reviewer_a = images_in_common.reviewer_a
        and pair_tags.reviewer_b = images_in_common.reviewer_b
    left join tags as tags_a
        on images_in_common.image_id = tags_a.image_id
        and pair_tags.reviewer_a = tags_a.reviewer
        and pair_tags.tag_name = tags_a.tag_name
    left join tags as tags_b
        on images_in_common.image_id = tags_b.image_id
        and pair_tags.reviewer_b = tags_b.reviewer
        and pair_tags.tag_name = tags_b.tag_name
),

tag_counts as (
    select
        reviewer_a,
        reviewer_b,
        concat('tag:', tag_name) as measure,
        count(*) as images_in_common,
        {{ count_where('has_tag_a = has_tag_b') }} as agreements,
        {{ count_where('has_tag_a') }} * {{ count_where('has_tag_b') }}
        + {{ count_where('not has_tag_a') }} * {{ count_where('not has_tag_b') }}
            as expected_agreements_scaled
    from tag_presence
    group by reviewer_a, reviewer_b, tag_name
),

measures as (
    select * from action_counts
    union all
    select * from tag_counts
),

final as (
    select
        ---------- ids
        reviewer_a,
        reviewer_b,
        measure,

        ---------- numerics
        images_in_common,
        agreements,
        {# fraction() divides in the engine's float type (single precision on DuckDB):
            the rounded rates are cast to a decimal so they read and compare exactly. -#}
        cast(
            round(100 * {{ fraction('agreements', 'images_in_common') }}, 2)
            as {{ dbt.type_numeric() }}
        ) as percent_agreement,
        cast(
            round(100 * {{ fraction('expected_agreements_scaled', 'images_in_common * images_in_common') }}, 2)
            as {{ dbt.type_numeric() }}
        ) as percent_expected_by_chance,
        cast(round({{ fraction(
            'agreements * images_in_common - expected_agreements_scaled',
            'images_in_common * images_in_common - expected_agreements_scaled'
        ) }}, 4) as {{ dbt.type_numeric() }}) as cohens_kappa
    from measures
)

select * from final
