{#- Every non-duplicate finding, once per image and issue type: VL issues (mislabels,
    outliers, quality) and the team's flat CSV. Issue types go through the alias seed;
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

vl_images as (
    select media_id, image_id from {{ ref('int_media_items_matched_to_images') }}
),

images as (
    select image_id, image_path from {{ ref('images') }}
),

issue_types as (
    select raw_issue_type, issue_type from {{ ref('issue_type_aliases') }}
),

label_keys as (
    select label_key, class_index from {{ ref('int_class_label_keys') }}
),

unioned as (
    select
        vl_images.image_id,
        'vl_export' as finding_source,
        vl_issues.raw_issue_type,
        vl_issues.confidence,
        vl_issues.suggested_label_text,
        vl_issues.evidence_file
    from vl_issues
    inner join vl_images on vl_issues.media_id = vl_images.media_id
    union all
    select
        coalesce(by_id.image_id, by_path.image_id, team_findings.team_image_id),
        'team_csv',
        team_findings.raw_issue_type,
        team_findings.confidence,
        team_findings.suggested_label_text,
        team_findings.findings_file
    from team_findings
    left join images as by_id on team_findings.team_image_id = by_id.image_id
    left join images as by_path on team_findings.image_path = by_path.image_path
    where team_findings.raw_issue_type is not null
),

typed as (
    select
        unioned.*,
        coalesce(issue_types.issue_type, unioned.raw_issue_type) as issue_type,
        issue_types.issue_type is not null as is_known_issue_type
    from unioned
    left join issue_types on unioned.raw_issue_type = issue_types.raw_issue_type
    where coalesce(issue_types.issue_type, '') != 'duplicate'
),

ranked as (
    select
        *,
        row_number() over (
            partition by image_id, issue_type
            order by confidence desc nulls last, finding_source, evidence_file
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
