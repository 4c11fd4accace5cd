<?php
/**
 * The insights page's sign-in form: the operator key (never a partner's),
 * posted once (CSRF-protected) and kept sealed in the operator's cookie.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var string $message
 * @var string $csrf
 */

use CatalogSearch\Web\Security;

$isError = $message !== '';
?>
<h1><?= $v->e($t->t('insights.title')) ?></h1>
<?php if ($isError) : ?>
<p class="notice notice-error" role="alert"><?= $v->e($t->t($message)) ?></p>
<?php endif; ?>
<section class="panel signin" aria-labelledby="operator-signin-title">
  <h2 id="operator-signin-title"><?= $v->e($t->t('insights.signin.title')) ?></h2>
  <p><?= $v->e($t->t('insights.signin.intro')) ?></p>
  <form class="signin-form" method="post" action="<?= $v->link('/insights/sign-in') ?>">
    <input type="hidden" name="<?= $v->e(Security::CSRF_FIELD) ?>" value="<?= $v->e($csrf) ?>">
    <div class="field">
      <label for="operator-key"><?= $v->e($t->t('insights.signin.key')) ?></label>
      <input id="operator-key" name="operator_key" type="password" required maxlength="200" autocomplete="off"
             spellcheck="false" aria-describedby="operator-key-hint"<?= $isError ? ' aria-invalid="true"' : '' ?>>
      <p id="operator-key-hint" class="hint"><?= $v->e($t->t('insights.signin.key_hint')) ?></p>
    </div>
    <button type="submit" class="btn btn-primary"><?= $v->e($t->t('signin.submit')) ?></button>
  </form>
</section>
