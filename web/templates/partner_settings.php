<?php
/**
 * The partner's settings: the display name buyers see on cards, product
 * pages, offers, the buyer's list and quotes instead of the partner id, and
 * what a price of 0 means in the partner's files.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var string $partner
 * @var string $displayName
 * @var string $zeroPrice on_request or free
 * @var bool $saved
 * @var string $error a message key, or ""
 * @var string $csrf
 */

use CatalogSearch\Web\Security;

?>
<nav class="crumbs" aria-label="<?= $v->e($t->t('product.breadcrumb')) ?>">
  <ol><li><a href="<?= $v->link('/partner') ?>"><?= $v->e($t->t('partner.title')) ?></a></li></ol>
</nav>
<h1><?= $v->e($t->t('settings.title')) ?></h1>
<p><?= $v->e($t->t('signin.as')) ?> <strong class="partner-id"><?= $v->e($partner) ?></strong></p>
<?php if ($saved) : ?>
<p class="notice" role="status"><?= $v->e($t->t('settings.saved')) ?></p>
<?php endif; ?>
<?php if ($error !== '') : ?>
<p class="notice notice-error" role="alert" id="settings-error"><?= $v->e($t->t($error)) ?></p>
<?php endif; ?>
<form class="settings-form panel" method="post" action="<?= $v->link('/partner/settings') ?>">
  <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
  <div class="field">
    <label for="display-name"><?= $v->e($t->t('settings.display_name')) ?></label>
    <input id="display-name" name="display_name" maxlength="80" autocomplete="organization"
           value="<?= $v->e($displayName) ?>" aria-describedby="display-name-hint<?= $error !== '' ? ' settings-error' : '' ?>"<?= $error !== '' ? ' aria-invalid="true"' : '' ?>>
    <p id="display-name-hint" class="hint"><?= $v->e($t->t('settings.display_name_hint', ['id' => $partner])) ?></p>
  </div>
  <div class="field">
    <label for="zero-price"><?= $v->e($t->t('settings.zero_price')) ?></label>
    <select id="zero-price" name="zero_price" aria-describedby="zero-price-hint">
<?php foreach (['on_request', 'free'] as $opt) : ?>
      <option value="<?= $v->e($opt) ?>"<?= $zeroPrice === $opt ? ' selected' : '' ?>><?= $v->e($t->t('settings.zero_price.' . $opt)) ?></option>
<?php endforeach; ?>
    </select>
    <p id="zero-price-hint" class="hint"><?= $v->e($t->t('settings.zero_price_hint')) ?></p>
  </div>
  <button type="submit" class="btn btn-primary"><?= $v->e($t->t('settings.save')) ?></button>
</form>
