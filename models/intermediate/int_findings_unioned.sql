{#- Every non-duplicate finding, once per image and issue type: VL issues (mislabels,
    outliers, quality), the team's flat CSV, fastdup's outliers, corrupt files and quality
    stats, and the VL-datasets issue list rows without a pair partner. Those two give a
    `score` instead of a confidence (an outlier's similarity to its nearest neighbour, a
    blur score, a mean intensity), except that a VL-datasets mislabel's value is VL's
    confidence. Issue types go through the alias seed;
    unknown types are kept (is_known_issue_type false) and reported, never dropped.
    A mislabel's suggested label (VL's issues_description) is resolved to a class. -#}

with vl_issues as (
    select
        metadata_items.media_id,
        lower(trim(metadata_items.raw_issue_type)) as raw_issue_type,
        metadata_items.confidence,
        metadata_items.issue_description as suggested_label_text,
        metadata_items.export_file as evidence_file
    from {{ ref('stg_vl__metadata_items') }} as metadata_items
    where metadata_items.entry_type = 'issue'
        and metadata_items.duplicate_group_id is null
        and metadata_items.raw_issue_type is not null
),

team_findings as (
    select * from {{ ref('stg_team__findings') }}
),

fastdup_findings as (
    select
        image_ref,
        raw_issue_type,
        score,
        evidence_file
    from {{ ref('stg_fastdup__image_findings') }}
    where raw_issue_type != 'stats'
),

issue_rows as (
    select
        image_ref,
        prototype_ref,
        raw_issue_type,
        value,
        issue_list_file
    from {{ ref('stg_vl_datasets__issue_rows') }}
),

listed_images as (
    select
        ref_source,
        image_ref,
        image_id
    from {{ ref('int_pair_images_matched') }}
),

vl_images as (
    select
        media_id,
        image_id
    from {{ ref('int_media_items_matched_to_images') }}
),

images as (
    select
        image_id,
        image_path
    from {{ ref('images') }}
),

issue_types as (
    select
        raw_issue_type,
        issue_type
    from {{ ref('issue_type_aliases') }}
),

label_keys as (
    select
        label_key,
        class_index
    from {{ ref('int_class_label_keys') }}
),

unioned as (
    select
        vl_images.image_id,
        'vl_export' as finding_source,
        vl_issues.raw_issue_type,
        vl_issues.confidence,
        vl_issues.suggested_label_text,
        vl_issues.evidence_file,
        cast(null as double) as score,
        false as has_pair_partner
    from vl_issues
    inner join vl_images on vl_issues.media_id = vl_images.media_id
    union all
    select
        coalesce(by_id.image_id, by_path.image_id, team_findings.team_image_id),
        'team_csv',
        team_findings.raw_issue_type,
        team_findings.confidence,
        team_findings.suggested_label_text,
        team_findings.findings_file,
        cast(null as double),
        false
    from team_findings
    left join images as by_id on team_findings.team_image_id = by_id.image_id
    left join images as by_path on team_findings.image_path = by_path.image_path
    where team_findings.raw_issue_type is not null
    union all
    select
        coalesce(listed_images.image_id, fastdup_findings.image_ref),
        'fastdup',
        fastdup_findings.raw_issue_type,
        cast(null as double),
        cast(null as {{ dbt.type_string() }}),
        fastdup_findings.evidence_file,
        fastdup_findings.score,
        false
    from fastdup_findings
    left join listed_images
        on listed_images.ref_source = 'fastdup'
        and fastdup_findings.image_ref = listed_images.image_ref
    union all
    select
        coalesce(listed_images.image_id, issue_rows.image_ref),
        'vl_issue_list',
        issue_rows.raw_issue_type,
        case when issue_rows.raw_issue_type in ('mislabeled', 'mislabels', 'mislabel')
                and issue_rows.value between 0 and 1 then issue_rows.value
        end,
        cast(null as {{ dbt.type_string() }}),
        issue_rows.issue_list_file,
        issue_rows.value,
        issue_rows.prototype_ref is not null
    from issue_rows
    left join listed_images
        on listed_images.ref_source = 'vl_issue_list'
        and issue_rows.image_ref = listed_images.image_ref
),

typed as (
    select
        unioned.*,
        coalesce(issue_types.issue_type, unioned.raw_issue_type) as issue_type,
        issue_types.issue_type is not null as is_known_issue_type
    from unioned
    left join issue_types on unioned.raw_issue_type = issue_types.raw_issue_type
    {#- Duplicates, and leaks with their partner, are pairs (int_duplicate_memberships_unioned). #}
    where coalesce(issue_types.issue_type, '') != 'duplicate'
        and not (unioned.has_pair_partner and coalesce(issue_types.issue_type, '') = 'leak')
),

ranked as (
    select
        *,
        row_number() over (
            partition by image_id, issue_type
            order by confidence desc nulls last, finding_source asc, evidence_file asc
        ) as finding_rank
    from typed
),

final as (
    select
        concat(ranked.issue_type, ':', ranked.image_id) as finding_id,
        ranked.image_id,
        ranked.finding_source,
        ranked.raw_issue_type,
        ranked.issue_type,
        ranked.suggested_label_text,
        ranked.evidence_file,
        ranked.confidence,
        ranked.score,
        label_keys.class_index as suggested_class_index,
        ranked.is_known_issue_type,
        ranked.issue_type = 'mislabel'
        and ranked.confidence > {{ var('clear_mislabel_confidence') }} as is_clear_mislabel
    from ranked
    left join label_keys
        on {{ label_lookup_key('ranked.suggested_label_text') }} = label_keys.label_key
    where ranked.finding_rank = 1
)

select * from final
